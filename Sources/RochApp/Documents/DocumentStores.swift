import RochIntegrations

extension Configuration.DocumentStorage {
    /// The store DOCUMENTS_URL names.
    public func makeStore() -> any DocumentStore {
        switch self {
        case .local(let directory): return LocalDocumentStore(root: directory)
        case .s3(let settings): return S3DocumentStore(settings: settings)
        }
    }
}
