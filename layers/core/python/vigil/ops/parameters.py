"""The template's parameters (set per stage from `infra/stages/<stage>.yaml`) and the
environment every function gets. Secrets never appear in the template or the stage files: they
are read at deploy time from one Secrets Manager secret (JSON with the keys below)."""

from __future__ import annotations

from typing import Any

SECRET_KEYS = ("DATABASE_URL", "REDIS_URL", "JWT_SECRET", "ENCRYPTION_KEYS")

PARAMETERS: dict[str, Any] = {
    "Stage": {"Type": "String", "Default": "dev", "AllowedPattern": "^[a-z][a-z0-9-]{0,19}$",
              "Description": "Stage name (dev, staging, prod, ...); also the API Gateway stage"},
    "ResourcePrefix": {"Type": "String", "Default": "vigil-dev-", "AllowedPattern": "^[a-z0-9][a-z0-9-]{0,30}$",
                       "Description": "Prefix of every physical name (RESOURCE_PREFIX of the functions)"},
    "SecretsId": {"Type": "String", "Default": "vigil/dev",
                  "Description": "Secrets Manager secret (JSON) holding " + ", ".join(SECRET_KEYS)},
    "LogLevel": {"Type": "String", "Default": "INFO", "AllowedValues": ["DEBUG", "INFO", "WARNING", "ERROR"]},
    "PublicBaseUrl": {"Type": "String", "Default": "https://vigil.example.com",
                      "Description": "Base of links in e-mails, tickets and reports"},
    "CorsOrigins": {"Type": "String", "Default": "https://vigil.example.com",
                    "Description": "Comma-separated browser origins allowed to call the API and the buckets"},
    "SubnetIds": {"Type": "CommaDelimitedList", "Default": "",
                  "Description": "Private subnets reaching PostgreSQL and Redis (empty: no VPC)"},
    "SecurityGroupIds": {"Type": "CommaDelimitedList", "Default": "",
                         "Description": "Security groups of the functions (with SubnetIds)"},
    "FunctionMemory": {"Type": "Number", "Default": 512, "MinValue": 128, "MaxValue": 10240},
    "FunctionTimeout": {"Type": "Number", "Default": 30, "MinValue": 3, "MaxValue": 900,
                        "Description": "Timeout of HTTP functions (API Gateway gives up after 29 s anyway)"},
    "ScheduleTimeout": {"Type": "Number", "Default": 120, "MinValue": 60, "MaxValue": 900,
                        "Description": "Timeout of scheduled functions; the alert evaluator runs sub-minute "
                                       "cycles inside one invocation, so keep it above 60"},
    "AlarmEmail": {"Type": "String", "Default": "", "Description": "Who gets alarm e-mails (empty: none)"},
    "DlqAlarmThreshold": {"Type": "Number", "Default": 1, "MinValue": 1},
    "FunctionErrorThreshold": {"Type": "Number", "Default": 1, "MinValue": 1},
}

CONDITIONS: dict[str, Any] = {
    "HasVpc": {"Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "SubnetIds"}]}, ""]}]},
    "HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]},
}


def _secret(key: str) -> dict[str, Any]:
    return {"Fn::Sub": "{{resolve:secretsmanager:${SecretsId}:SecretString:" + key + "}}"}


ENVIRONMENT: dict[str, Any] = {
    "VIGIL_STAGE": {"Ref": "Stage"},
    "RESOURCE_PREFIX": {"Ref": "ResourcePrefix"},
    "LOG_LEVEL": {"Ref": "LogLevel"},
    "PUBLIC_BASE_URL": {"Ref": "PublicBaseUrl"},
    "CORS_ORIGINS": {"Ref": "CorsOrigins"},
    "SEED_DEMO": "false",
    **{key: _secret(key) for key in SECRET_KEYS},
}
