//! Progress and log lines.
