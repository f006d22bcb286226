"""The one settings object. Every environment variable the platform reads is named here.

An explicit argument beats the environment: tests and the local runtime build a
`Settings(...)` themselves and install it with `configure()`.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _env(name: str, *more: str) -> AliasChoices:
    return AliasChoices(name, *more)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    stage: str = Field("local", validation_alias=_env("VIGIL_STAGE"))
    log_level: str = Field("INFO", validation_alias=_env("LOG_LEVEL"))

    # Data stores. Empty means "start an embedded one" in the local runtime.
    database_url: str | None = Field(None, validation_alias=_env("DATABASE_URL"))
    db_pool_min: int = Field(1, validation_alias=_env("DB_POOL_MIN"))
    db_pool_max: int = Field(10, validation_alias=_env("DB_POOL_MAX"))
    db_statement_timeout_ms: int = Field(30000, validation_alias=_env("DB_STATEMENT_TIMEOUT_MS"))
    redis_url: str | None = Field(None, validation_alias=_env("REDIS_URL"))
    redis_key_prefix: str = Field("vigil:", validation_alias=_env("REDIS_KEY_PREFIX"))

    # AWS: an endpoint URL points boto3 at moto, LocalStack or MinIO; unset means real AWS
    # (or, in the local runtime, an embedded moto server).
    aws_endpoint_url: str | None = Field(None, validation_alias=_env("AWS_ENDPOINT_URL"))
    aws_region: str = Field("us-east-1", validation_alias=_env("AWS_REGION", "AWS_DEFAULT_REGION"))
    use_localstack: bool = Field(False, validation_alias=_env("USE_LOCALSTACK"))
    s3_endpoint_url: str | None = Field(None, validation_alias=_env("S3_ENDPOINT_URL"))
    s3_path_style: bool = Field(True, validation_alias=_env("S3_PATH_STYLE"))
    resource_prefix: str = Field("vigil-local-", validation_alias=_env("RESOURCE_PREFIX"))

    # Local runtime.
    host: str = Field("127.0.0.1", validation_alias=_env("HOST"))
    port: int = Field(8080, validation_alias=_env("PORT"))
    data_dir: str = Field(".vigil", validation_alias=_env("VIGIL_DATA_DIR"))
    frontend_dist: str = Field("frontend/dist", validation_alias=_env("FRONTEND_DIST"))
    public_base_url: str = Field("http://127.0.0.1:8080", validation_alias=_env("PUBLIC_BASE_URL"))
    schedules_enabled: bool = Field(True, validation_alias=_env("SCHEDULES_ENABLED"))
    seed_demo: bool = Field(True, validation_alias=_env("SEED_DEMO"))

    # Identity and governance.
    jwt_secret: SecretStr | None = Field(None, validation_alias=_env("JWT_SECRET"))
    jwt_issuer: str = Field("vigil", validation_alias=_env("JWT_ISSUER"))
    jwt_access_ttl_seconds: int = Field(900, validation_alias=_env("JWT_ACCESS_TTL_SECONDS"))
    jwt_refresh_ttl_seconds: int = Field(
        7 * 24 * 3600, validation_alias=_env("JWT_REFRESH_TTL_SECONDS")
    )
    jwt_leeway_seconds: int = Field(30, validation_alias=_env("JWT_LEEWAY_SECONDS"))
    # "kid:base64key,kid2:base64key"; the last one (or ENCRYPTION_ACTIVE_KEY_ID) encrypts.
    encryption_keys: SecretStr | None = Field(None, validation_alias=_env("ENCRYPTION_KEYS"))
    encryption_active_key_id: str | None = Field(
        None, validation_alias=_env("ENCRYPTION_ACTIVE_KEY_ID")
    )
    rate_limit_per_minute: int = Field(100, validation_alias=_env("RATE_LIMIT_PER_MINUTE"))
    anonymous_rate_limit_per_minute: int = Field(
        60, validation_alias=_env("ANONYMOUS_RATE_LIMIT_PER_MINUTE")
    )
    login_max_failures: int = Field(5, validation_alias=_env("LOGIN_MAX_FAILURES"))
    login_lockout_seconds: int = Field(300, validation_alias=_env("LOGIN_LOCKOUT_SECONDS"))
    cors_origins: str = Field(
        "http://127.0.0.1:8080,http://localhost:8080,http://localhost:5173",
        validation_alias=_env("CORS_ORIGINS"),
    )
    demo_admin_password: SecretStr = Field(
        SecretStr("admin123"), validation_alias=_env("DEMO_ADMIN_PASSWORD")
    )

    # Incidents: the alert-grouping policy, attachments and RCA report links.
    incident_group_keys: str = Field("loaderCode,severity", validation_alias=_env("INCIDENT_GROUP_KEYS"))
    incident_group_window_seconds: int = Field(600, validation_alias=_env("INCIDENT_GROUP_WINDOW_SECONDS"))
    incident_group_threshold: int = Field(3, validation_alias=_env("INCIDENT_GROUP_THRESHOLD"))
    incident_group_immediate_severities: str = Field(
        "CRITICAL", validation_alias=_env("INCIDENT_GROUP_IMMEDIATE_SEVERITIES")
    )
    incident_group_absorb_while_open: bool = Field(
        True, validation_alias=_env("INCIDENT_GROUP_ABSORB_WHILE_OPEN")
    )
    attachment_max_bytes: int = Field(10 * 1024 * 1024, validation_alias=_env("ATTACHMENT_MAX_BYTES"))
    attachment_url_ttl_seconds: int = Field(900, validation_alias=_env("ATTACHMENT_URL_TTL_SECONDS"))
    rca_url_ttl_seconds: int = Field(7 * 24 * 3600, validation_alias=_env("RCA_URL_TTL_SECONDS"))

    # Signals storage and queries.
    # 0 keeps every month; N keeps the current month and the N before it.
    signals_retention_months: int = Field(0, ge=0, validation_alias=_env("SIGNALS_RETENTION_MONTHS"))
    signals_raw_max_range_days: int = Field(
        31, ge=1, validation_alias=_env("SIGNALS_RAW_MAX_RANGE_DAYS")
    )
    signals_raw_max_points: int = Field(
        5_000_000, ge=1, validation_alias=_env("SIGNALS_RAW_MAX_POINTS")
    )
    signals_bulk_max_points: int = Field(5000, ge=1, validation_alias=_env("SIGNALS_BULK_MAX_POINTS"))

    # Alerting.
    alert_subcycles_per_minute: int = Field(2, ge=1, le=6, validation_alias=_env("ALERT_SUBCYCLES_PER_MINUTE"))
    alert_evaluation_retention: str = Field("14d", validation_alias=_env("ALERT_EVALUATION_RETENTION"))

    # Outbound HTTP.
    http_timeout_seconds: float = Field(10.0, validation_alias=_env("HTTP_TIMEOUT_SECONDS"))

    # Jira: attempts per call on 429 / 5xx / timeouts, and the backoff between them.
    jira_max_attempts: int = Field(4, ge=1, le=10, validation_alias=_env("JIRA_MAX_ATTEMPTS"))
    jira_backoff_base_seconds: float = Field(0.5, ge=0, validation_alias=_env("JIRA_BACKOFF_BASE_SECONDS"))
    jira_backoff_max_seconds: float = Field(20.0, ge=0, validation_alias=_env("JIRA_BACKOFF_MAX_SECONDS"))

    # Loaders: connections to customers' source databases.
    source_connect_timeout_seconds: int = Field(
        5, ge=1, le=60, validation_alias=_env("SOURCE_CONNECT_TIMEOUT_SECONDS")
    )
    loader_max_rows: int = Field(10000, ge=1, le=1_000_000, validation_alias=_env("LOADER_MAX_ROWS"))
    loader_execution_retention_days: int = Field(
        30, ge=1, le=3650, validation_alias=_env("LOADER_EXECUTION_RETENTION_DAYS")
    )

    # Notifications: provider per channel (entry point names of `vigil.notification_providers`;
    # empty picks smtp / middleware when configured, else console), SMTP, the SMS/IVR middleware.
    notify_email_provider: str = Field("", validation_alias=_env("NOTIFY_EMAIL_PROVIDER"))
    notify_sms_provider: str = Field("", validation_alias=_env("NOTIFY_SMS_PROVIDER"))
    notify_ivr_provider: str = Field("", validation_alias=_env("NOTIFY_IVR_PROVIDER"))
    notify_webhook_provider: str = Field("webhook", validation_alias=_env("NOTIFY_WEBHOOK_PROVIDER"))
    notify_max_attempts: int = Field(3, ge=1, le=10, validation_alias=_env("NOTIFY_MAX_ATTEMPTS"))
    notify_backoff_seconds: float = Field(1.0, ge=0, validation_alias=_env("NOTIFY_BACKOFF_SECONDS"))
    smtp_host: str = Field("", validation_alias=_env("SMTP_HOST"))
    smtp_port: int = Field(25, validation_alias=_env("SMTP_PORT"))
    smtp_security: str = Field("none", pattern="^(none|starttls|tls)$", validation_alias=_env("SMTP_SECURITY"))
    smtp_username: str = Field("", validation_alias=_env("SMTP_USERNAME"))
    smtp_password: SecretStr | None = Field(None, validation_alias=_env("SMTP_PASSWORD"))
    smtp_from: str = Field("Vigil <vigil@localhost>", validation_alias=_env("SMTP_FROM"))
    smtp_timeout_seconds: float = Field(10.0, validation_alias=_env("SMTP_TIMEOUT_SECONDS"))
    smtp_ca_file: str = Field("", validation_alias=_env("SMTP_CA_FILE"))
    middleware_sms_url: str = Field("", validation_alias=_env("MIDDLEWARE_SMS_URL"))
    middleware_ivr_url: str = Field("", validation_alias=_env("MIDDLEWARE_IVR_URL"))
    middleware_status_url: str = Field("", validation_alias=_env("MIDDLEWARE_STATUS_URL"))
    middleware_secret: SecretStr | None = Field(None, validation_alias=_env("MIDDLEWARE_SECRET"))
    webhook_secret: SecretStr | None = Field(None, validation_alias=_env("NOTIFY_WEBHOOK_SECRET"))

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    def resource_name(self, logical: str) -> str:
        """Physical AWS name of a logical resource (queue, bus, bucket, state machine)."""
        return f"{self.resource_prefix}{logical}"


_override: Settings | None = None


@lru_cache(maxsize=1)
def _from_environment() -> Settings:
    return Settings()


def get_settings() -> Settings:
    return _override if _override is not None else _from_environment()


def current_override() -> Settings | None:
    return _override


def configure(settings: Settings | None) -> None:
    """Install explicit settings (or drop them to read the environment again)."""
    global _override
    _override = settings
    _from_environment.cache_clear()
