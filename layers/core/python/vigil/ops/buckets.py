"""Bucket chores shared by deploy, teardown and restore."""

from __future__ import annotations

from vigil import aws


def ensure_bucket(name: str, region: str) -> None:
    s3 = aws.client("s3")
    try:
        if region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    except aws.ClientErrorType as exc:
        if aws.error_code(exc) not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise


def has_objects(bucket: str) -> bool:
    try:
        return bool(aws.client("s3").list_objects_v2(Bucket=bucket, MaxKeys=1).get("KeyCount", 0))
    except aws.ClientErrorType as exc:
        if aws.error_code(exc) == "NoSuchBucket":
            return False
        raise


def empty_bucket(bucket: str) -> bool:
    """Delete every object version of `bucket`; False when the bucket does not exist."""
    s3 = aws.client("s3")
    try:
        pages = list(s3.get_paginator("list_object_versions").paginate(Bucket=bucket))
    except aws.ClientErrorType as exc:
        if aws.error_code(exc) == "NoSuchBucket":
            return False
        raise
    for page in pages:
        keys = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        for start in range(0, len(keys), 1000):
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys[start:start + 1000], "Quiet": True})
    return True
