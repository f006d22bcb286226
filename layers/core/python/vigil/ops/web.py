"""The web app on AWS: a private bucket behind CloudFront, with `/api/*` forwarded to the API,
so the browser sees one origin as in the local runtime; and the upload of the built app."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from vigil import aws

# AWS managed CloudFront policies (fixed ids, documented by AWS).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"

# Single-page app: paths without a file extension are client routes and get index.html. Done
# at the edge rather than with error pages, which would also rewrite the API's own 403/404s.
SPA_REWRITE = """function handler(event) {
  var request = event.request;
  if (request.uri.indexOf('.') === -1) { request.uri = '/index.html'; }
  return request;
}
"""


def resources(*, with_api: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """(resources, outputs) of the web app's hosting."""
    api_origin = {
        "Id": "api",
        "DomainName": {"Fn::Sub": "${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}"},
        "OriginPath": {"Fn::Sub": "/${Stage}"},
        "CustomOriginConfig": {"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"]},
    }
    api_behaviour = {
        "PathPattern": "/api/*", "TargetOriginId": "api", "ViewerProtocolPolicy": "https-only",
        "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
        "CachePolicyId": CACHING_DISABLED, "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST,
    }
    distribution: dict[str, Any] = {
        "Enabled": True,
        "Comment": {"Fn::Sub": "${ResourcePrefix}web"},
        "DefaultRootObject": "index.html",
        "HttpVersion": "http2and3",
        "PriceClass": "PriceClass_100",
        "Origins": [{
            "Id": "web",
            "DomainName": {"Fn::GetAtt": ["WebBucket", "RegionalDomainName"]},
            "OriginAccessControlId": {"Fn::GetAtt": ["WebOriginAccessControl", "Id"]},
            "S3OriginConfig": {"OriginAccessIdentity": ""},
        }] + ([api_origin] if with_api else []),
        "DefaultCacheBehavior": {
            "TargetOriginId": "web", "ViewerProtocolPolicy": "redirect-to-https",
            "CachePolicyId": CACHING_OPTIMIZED, "Compress": True,
            "FunctionAssociations": [{"EventType": "viewer-request",
                                      "FunctionARN": {"Fn::GetAtt": ["WebSpaRewrite", "FunctionARN"]}}],
        },
    }
    if with_api:
        distribution["CacheBehaviors"] = [api_behaviour]
    res: dict[str, Any] = {
        "WebBucket": {
            "Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketName": {"Fn::Sub": "${ResourcePrefix}web"},
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True, "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True, "RestrictPublicBuckets": True,
                },
            },
        },
        "WebOriginAccessControl": {"Type": "AWS::CloudFront::OriginAccessControl", "Properties": {
            "OriginAccessControlConfig": {
                "Name": {"Fn::Sub": "${ResourcePrefix}web"}, "OriginAccessControlOriginType": "s3",
                "SigningBehavior": "always", "SigningProtocol": "sigv4",
            },
        }},
        "WebSpaRewrite": {"Type": "AWS::CloudFront::Function", "Properties": {
            "Name": {"Fn::Sub": "${ResourcePrefix}spa-rewrite"}, "AutoPublish": True,
            "FunctionCode": SPA_REWRITE,
            "FunctionConfig": {"Comment": "client routes get index.html", "Runtime": "cloudfront-js-2.0"},
        }},
        "WebDistribution": {"Type": "AWS::CloudFront::Distribution",
                            "Properties": {"DistributionConfig": distribution}},
        "WebBucketPolicy": {"Type": "AWS::S3::BucketPolicy", "Properties": {
            "Bucket": {"Ref": "WebBucket"},
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "s3:GetObject", "Resource": {"Fn::Sub": "${WebBucket.Arn}/*"},
                "Condition": {"StringEquals": {"AWS:SourceArn": {"Fn::Sub":
                    "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${WebDistribution}"}}},
            }]},
        }},
    }
    outputs = {
        "WebUrl": {"Value": {"Fn::Sub": "https://${WebDistribution.DomainName}"}},
        "WebBucketName": {"Value": {"Ref": "WebBucket"}},
    }
    return res, outputs


def upload(dist: Path, bucket: str) -> int:
    """Upload the built web app; hashed assets are cached for a year, index.html never."""
    if not (dist / "index.html").is_file():
        raise ValueError(f"{dist} holds no built web app (run `npm run build` in frontend/)")
    s3 = aws.client("s3")
    count = 0
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        key = str(path.relative_to(dist))
        immutable = key.startswith("assets/")
        s3.upload_file(str(path), bucket, key, ExtraArgs={
            "ContentType": mimetypes.guess_type(key)[0] or "application/octet-stream",
            "CacheControl": "public, max-age=31536000, immutable" if immutable else "no-cache",
        })
        count += 1
    return count
