"""Example Vigil notification provider for the fictional Acme SMS / voice gateway."""

from acme_sms.provider import AcmeConfig, AcmeSmsProvider

__all__ = ["AcmeConfig", "AcmeSmsProvider"]
