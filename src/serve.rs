//! Offline preview server.
