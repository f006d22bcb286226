"""Operations: the CloudFormation renderer, deploy and teardown, metrics, backup and restore."""
