//! The few statement shapes a code attempt needs, over either driver: sqlx (a
//! PostgreSQL transaction, or SQLite without the writer thread) and rusqlite (inside
//! the SQLite writer's batch, see `writer`). The SQL is the same text for both; its
//! `$n` parameters are bound by number.

use async_trait::async_trait;
use rusqlite::types::{ToSqlOutput, ValueRef};
use sqlx::{Any, Row, Transaction};

/// A value bound to a `$n` parameter.
#[derive(Debug, Clone)]
pub enum Arg {
    Int(i64),
    Text(String),
    Null,
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Self::Text(v.to_owned())
    }
}

impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        v.map_or(Self::Null, Self::from)
    }
}

/// Runs statements inside an open transaction.
#[async_trait]
pub trait Statements: Send {
    /// Runs a statement that returns no rows; the number of rows it changed.
    async fn execute(&mut self, sql: &str, args: Vec<Arg>) -> anyhow::Result<u64>;

    /// The first row's columns, all integers (NULL as `None`); `None` without a row.
    async fn first_row(&mut self, sql: &str, args: Vec<Arg>) -> anyhow::Result<Option<Vec<Option<i64>>>>;

    /// The first column of the first row.
    async fn scalar(&mut self, sql: &str, args: Vec<Arg>) -> anyhow::Result<Option<i64>> {
        Ok(self.first_row(sql, args).await?.and_then(|row| row.first().copied().flatten()))
    }
}

fn bind_sqlx<'q>(
    mut query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    args: Vec<Arg>,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    for arg in args {
        query = match arg {
            Arg::Int(v) => query.bind(v),
            Arg::Text(v) => query.bind(v),
            Arg::Null => query.bind(None::<String>),
        };
    }
    query
}

#[async_trait]
impl Statements for Transaction<'static, Any> {
    async fn execute(&mut self, sql: &str, args: Vec<Arg>) -> anyhow::Result<u64> {
        Ok(bind_sqlx(sqlx::query(sql), args).execute(&mut **self).await?.rows_affected())
    }

    async fn first_row(&mut self, sql: &str, args: Vec<Arg>) -> anyhow::Result<Option<Vec<Option<i64>>>> {
        let Some(row) = bind_sqlx(sqlx::query(sql), args).fetch_optional(&mut **self).await? else {
            return Ok(None);
        };
        let columns = (0..row.len()).map(|i| row.try_get::<Option<i64>, _>(i)).collect::<Result<_, _>>()?;
        Ok(Some(columns))
    }
}

/// The SQLite writer's connection, inside its batch's transaction. Its calls never wait.
pub struct SqliteTx<'c>(pub &'c mut rusqlite::Connection);

impl rusqlite::ToSql for Arg {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Arg::Int(v) => ValueRef::Integer(*v),
            Arg::Text(v) => ValueRef::Text(v.as_bytes()),
            Arg::Null => ValueRef::Null,
        }))
    }
}

impl SqliteTx<'_> {
    /// A cached statement with `$n` bound to `args[n - 1]`.
    fn prepare(&self, sql: &str, args: &[Arg]) -> anyhow::Result<rusqlite::CachedStatement<'_>> {
        let mut stmt = self.0.prepare_cached(sql)?;
        for index in 1..=stmt.parameter_count() {
            let n: usize = stmt
                .parameter_name(index)
                .and_then(|name| name.strip_prefix('$'))
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| anyhow::anyhow!("parameter {index} is not of the form $n"))?;
            let arg = n
                .checked_sub(1)
                .and_then(|i| args.get(i))
                .ok_or_else(|| anyhow::anyhow!("no value for ${n}"))?;
            stmt.raw_bind_parameter(index, arg)?;
        }
        Ok(stmt)
    }
}

#[async_trait]
impl Statements for SqliteTx<'_> {
    async fn execute(&mut self, sql: &str, args: Vec<Arg>) -> anyhow::Result<u64> {
        Ok(self.prepare(sql, &args)?.raw_execute()? as u64)
    }

    async fn first_row(&mut self, sql: &str, args: Vec<Arg>) -> anyhow::Result<Option<Vec<Option<i64>>>> {
        let mut stmt = self.prepare(sql, &args)?;
        let columns = stmt.column_count();
        let mut rows = stmt.raw_query();
        let Some(row) = rows.next()? else {
            return Ok(None);
        };
        Ok(Some((0..columns).map(|i| row.get::<_, Option<i64>>(i)).collect::<Result<_, _>>()?))
    }
}
