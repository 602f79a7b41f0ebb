//! Who is on the other end: the client address (socket peer, or X-Forwarded-For from a
//! trusted proxy) and the user agent.

use std::net::{IpAddr, SocketAddr};

use axum::{extract::ConnectInfo, http::request::Parts};
use ipnet::IpNet;

#[derive(Debug, Clone)]
pub struct ClientInfo {
    pub address: IpAddr,
    pub user_agent: Option<String>,
}

impl ClientInfo {
    pub fn from_parts(parts: &Parts, trusted: &[IpNet]) -> Self {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([127, 0, 0, 1]), |c| c.0.ip());
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse::<IpAddr>().ok())
            .collect::<Vec<_>>();
        let user_agent = parts
            .headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(256).collect());
        Self { address: client_address(peer, &forwarded, trusted), user_agent }
    }
}

/// Walks X-Forwarded-For from the right while the hop is a trusted proxy; the first
/// untrusted hop is the client. A peer that is not trusted is the client itself, so a
/// forged header from anyone else changes nothing.
pub fn client_address(peer: IpAddr, forwarded: &[IpAddr], trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded.iter().rev() {
        client = *hop;
        if !is_trusted(hop) {
            break;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn untrusted_peer_is_the_client() {
        let trusted = vec!["10.0.0.0/8".parse().unwrap()];
        assert_eq!(client_address(ip("203.0.113.9"), &[ip("1.2.3.4")], &trusted), ip("203.0.113.9"));
        assert_eq!(client_address(ip("203.0.113.9"), &[ip("1.2.3.4")], &[]), ip("203.0.113.9"));
    }

    #[test]
    fn trusted_proxy_passes_the_client_on() {
        let trusted = vec!["10.0.0.0/8".parse().unwrap()];
        // A forged first entry is ignored: the rightmost untrusted hop wins.
        let chain = [ip("6.6.6.6"), ip("198.51.100.7"), ip("10.0.0.2")];
        assert_eq!(client_address(ip("10.0.0.1"), &chain, &trusted), ip("198.51.100.7"));
        assert_eq!(client_address(ip("10.0.0.1"), &[], &trusted), ip("10.0.0.1"));
    }
}
