import RochApp
import RochCore
import RochIntegrations
import Testing

@Suite struct DocumentsConfigurationTests {
    let minimal = ["DATABASE_URL": "postgresql://roch@127.0.0.1:5432/roch"]

    @Test func documentsDefaultToTheDataDirectoryWithANote() throws {
        let c = try Configuration(environment: minimal)
        #expect(c.documents == .local(directory: ".data/documents"))
        #expect(c.warnings.contains { $0.contains("DOCUMENTS_URL is not set") })
        #expect(c.documentSeries == DocumentSeries())
    }

    @Test func aFileURLNamesTheDirectory() throws {
        let c = try Configuration(environment: minimal.merging(["DOCUMENTS_URL": "file:///var/lib/roch/documents"]) { $1 })
        #expect(c.documents == .local(directory: "/var/lib/roch/documents"))
        #expect(!c.warnings.contains { $0.contains("DOCUMENTS_URL") })
    }

    @Test func anS3URLCarriesBucketPrefixRegionEndpointAndTheKeys() throws {
        let c = try Configuration(environment: minimal.merging([
            "DOCUMENTS_URL": "s3://roch-docs/issued/2026?region=ap-south-2&endpoint=https://s3.example.in",
            "S3_ACCESS_KEY_ID": "AKIAEXAMPLE", "S3_SECRET_ACCESS_KEY": "secret",
        ]) { $1 })
        #expect(c.documents == .s3(S3DocumentStore.Settings(bucket: "roch-docs", prefix: "issued/2026/", region: "ap-south-2",
                                                             endpoint: "https://s3.example.in", accessKeyID: "AKIAEXAMPLE", secretAccessKey: "secret")))
        let aws = try Configuration(environment: minimal.merging(["DOCUMENTS_URL": "s3://roch-docs", "S3_ACCESS_KEY_ID": "a", "S3_SECRET_ACCESS_KEY": "b"]) { $1 })
        guard case .s3(let settings) = aws.documents else { Issue.record("expected s3"); return }
        #expect(settings.region == "ap-south-1" && settings.endpoint == nil && settings.prefix == "")
    }

    @Test func documentProblemsAreListedWithTheRest() {
        let env = minimal.merging(["DOCUMENTS_URL": "s3://Bad_Bucket/x?endpoint=ftp://x", "DOCUMENT_SERIES": "tax_invoice=RE"]) { $1 }
        #expect { try Configuration(environment: env) } throws: { error in
            guard let p = error as? Configuration.Problems else { return false }
            let text = p.description
            return p.problems.count == 4
                && text.contains("S3 bucket names are 3-63 lowercase letters")
                && text.contains("endpoint must be an http(s) URL")
                && text.contains("set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY too")
                && text.contains("DOCUMENT_SERIES: prefix 'RE' is used by receipt and tax_invoice")
        }
        #expect(throws: Configuration.Problems.self) { try Configuration(environment: minimal.merging(["DOCUMENTS_URL": "/var/lib/roch"]) { $1 }) }
        #expect(throws: Configuration.Problems.self) { try Configuration(environment: minimal.merging(["DOCUMENTS_URL": "file://relative/dir"]) { $1 }) }
    }
}
