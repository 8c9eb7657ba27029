/// Outbound integrations over libcurl: Razorpay, WhatsApp Cloud API, SMTP mail.
public enum RochIntegrations {}
