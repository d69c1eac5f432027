//! The S3 client and the few calls `sync` and `fetch` make. Region and credentials come
//! from the standard AWS chain (env, profile, instance role); a custom endpoint (moto,
//! MinIO) gets path-style addressing and the checksum settings those servers accept.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use aws_config::BehaviorVersion;
use aws_config::meta::region::RegionProviderChain;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::{Region, RequestChecksumCalculation, ResponseChecksumValidation};
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use super::plan::RemoteObject;
use super::plan::{list_prefix, normalise_prefix};

/// `s3://BUCKET[/PREFIX]`, with the prefix normalised (no leading or trailing `/`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Url {
    pub bucket: String,
    pub prefix: String,
}

impl FromStr for S3Url {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<Self> {
        let rest = s
            .strip_prefix("s3://")
            .ok_or_else(|| anyhow!("`{s}` is not an S3 URL (expected s3://BUCKET[/PREFIX])"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            bail!("`{s}` names no bucket (expected s3://BUCKET[/PREFIX])");
        }
        Ok(S3Url {
            bucket: bucket.to_string(),
            prefix: normalise_prefix(prefix),
        })
    }
}

impl fmt::Display for S3Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.prefix.is_empty() {
            write!(f, "s3://{}", self.bucket)
        } else {
            write!(f, "s3://{}/{}", self.bucket, self.prefix)
        }
    }
}

/// How to reach S3.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// A custom endpoint (S3-compatible server); `None` for AWS.
    pub endpoint_url: Option<String>,
    /// Overrides the region of the AWS config chain (which falls back to us-east-1).
    pub region: Option<String>,
    /// Attempts per request, retries included (throttling, 5xx, timeouts, dropped connections).
    pub max_attempts: u32,
    /// Time limit of one attempt.
    pub attempt_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            endpoint_url: None,
            region: None,
            max_attempts: 5,
            attempt_timeout: Duration::from_secs(120),
        }
    }
}

/// Builds a client from the AWS config chain plus these options.
pub async fn client(o: &ClientOptions) -> Client {
    let region = RegionProviderChain::first_try(o.region.clone().map(Region::new))
        .or_default_provider()
        .or_else(Region::new("us-east-1"));
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(region)
        .retry_config(RetryConfig::standard().with_max_attempts(o.max_attempts.max(1)))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(10).min(o.attempt_timeout))
                .operation_attempt_timeout(o.attempt_timeout)
                .build(),
        );
    if let Some(url) = &o.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let shared = loader.load().await;
    let mut b = aws_sdk_s3::config::Builder::from(&shared);
    if o.endpoint_url.is_some() {
        // S3-compatible servers: bucket in the path, and no default CRC32 trailers (which
        // several of them mishandle); AWS itself keeps the SDK's integrity checks.
        b = b
            .force_path_style(true)
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired);
    }
    Client::from_conf(b.build())
}

/// Formats an SDK error in one line: S3's code and message for a service error, the cause
/// chain for a transport error (the SDK's own `Display` is terse, its `Debug` a dump).
pub fn sdk_error<E>(e: SdkError<E>) -> anyhow::Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match &e {
        SdkError::ServiceError(se) => {
            let err = se.err();
            anyhow!(
                "{} (HTTP {}){}",
                err.code().unwrap_or("error"),
                se.raw().status().as_u16(),
                err.message().map(|m| format!(": {m}")).unwrap_or_default()
            )
        }
        SdkError::TimeoutError(_) => anyhow!("the request timed out (retries included)"),
        _ => anyhow!("{}", DisplayErrorContext(&e)),
    }
}

/// True for "no such object" (404, or 403 where the caller may not list the bucket).
pub fn is_not_found<E>(e: &SdkError<E>) -> bool {
    matches!(e, SdkError::ServiceError(se) if matches!(se.raw().status().as_u16(), 403 | 404))
}

/// Every object under `url` (its prefix treated as a folder).
pub async fn list(client: &Client, url: &S3Url) -> Result<Vec<RemoteObject>> {
    let prefix = list_prefix(&url.prefix);
    let mut out = Vec::new();
    let mut pages = client
        .list_objects_v2()
        .bucket(&url.bucket)
        .prefix(&prefix)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page
            .map_err(sdk_error)
            .with_context(|| format!("cannot list {url}/"))?;
        for o in page.contents() {
            out.push(RemoteObject {
                key: o.key().unwrap_or_default().to_string(),
                size: o.size().unwrap_or_default().max(0) as u64,
                etag: o.e_tag().unwrap_or_default().to_string(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_s3_urls() {
        let u: S3Url = "s3://b/site/".parse().unwrap();
        assert_eq!((u.bucket.as_str(), u.prefix.as_str()), ("b", "site"));
        assert_eq!(u.to_string(), "s3://b/site");
        let u: S3Url = "s3://b".parse().unwrap();
        assert_eq!((u.bucket.as_str(), u.prefix.as_str()), ("b", ""));
        assert!("b/site".parse::<S3Url>().is_err());
        assert!("s3:///x".parse::<S3Url>().is_err());
    }
}
