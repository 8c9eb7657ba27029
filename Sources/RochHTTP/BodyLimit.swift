/// How large a request body any runtime accepts before answering 413.
public enum BodyLimit {
    /// 1 MiB: forms and webhooks fit; WhatsApp batches (up to 3 MB) raise it per function.
    public static let defaultBytes = 1 << 20
}
