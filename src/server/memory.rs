//! Memory that goes back to the system. Each argon2 hash works in a 19 MiB buffer;
//! glibc's malloc raises its mmap threshold after the first such buffer is freed, so
//! later ones come from the heap arenas and stay resident (64 sign-ins left ~140 MiB).
//! A fixed threshold keeps large buffers mmapped: freed, they are returned at once.

/// Call once at start, before threads allocate.
pub fn return_large_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; called before other threads.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
