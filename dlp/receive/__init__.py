"""SMTP ingress: the aiosmtpd server Postfix hands outbound mail to, and its replies."""
