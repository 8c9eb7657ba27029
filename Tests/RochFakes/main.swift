// roch-fakes: the fake providers as a process, for end-to-end tests and benches.
// Prints the bound port on the first stdout line, then serves until killed.
import Dispatch
import Foundation
import RochCore
import RochTestSupport

let usage = """
usage:
  roch-fakes whatsapp --port 0 --token T --phone-number-id ID --app-secret S [--webhook-url URL]
                      [--templates FILE.json] [--auto-statuses sent,delivered] [--throughput N]
                      [--pair-window SECONDS] [--undeliverable WAID,WAID] [--catalogue-templates]
  roch-fakes razorpay --port 0 --key-id K --key-secret S --webhook-secret W [--webhook-url URL] [--auto-deliver] [--checkout]
  roch-fakes smtp --port 0 [--control-port 0] [--user U --password P] [--no-starttls]
      offers STARTTLS with a throwaway certificate and prints "ca-file <path>" (the file to trust,
      e.g. SMTP_CA_FILE) after the control port; --no-starttls serves plain SMTP only

templates file: [{"name": "booking_confirmed", "language": "en", "body_parameters": 2}, ...]
control API (same port for whatsapp and razorpay; --control-port for smtp), JSON bodies:
  whatsapp: GET /__fake/messages, POST /__fake/status {wamid,status[,error_code]}, POST /__fake/inbound {from,text[,name]},
            POST /__fake/fail-next {count}, POST /__fake/template-status {name,event[,language,reason]} (a signed
            message_template_status_update webhook); API also: POST/GET /{WABA_ID}/message_templates, GET /{PHONE_NUMBER_ID}
  razorpay: GET /__fake/links, POST /__fake/pay {link_id[,amount,method,deliver]}, POST /__fake/fail-payment {link_id},
            POST /__fake/expire {link_id}, POST /__fake/refund {payment_id[,amount]}, POST /__fake/redeliver {event_id,times},
            POST /__fake/fail-next {count}, GET /__fake/callback?link_id=&payment_id=, GET /__fake/deliveries
  smtp:     GET /__fake/messages
"""

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("roch-fakes: \(message)\n\n\(usage)\n".utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let kind = arguments.first else { fail("name a fake: whatsapp, razorpay or smtp") }
arguments.removeFirst()
var options: [String: String] = [:]
var flags: Set<String> = []
var index = 0
while index < arguments.count {
    let name = arguments[index]
    guard name.hasPrefix("--") else { fail("unexpected argument \(name)") }
    let key = String(name.dropFirst(2))
    if ["auto-deliver", "no-starttls", "checkout", "catalogue-templates"].contains(key) {
        flags.insert(key)
        index += 1
    } else {
        guard index + 1 < arguments.count else { fail("\(name) needs a value") }
        options[key] = arguments[index + 1]
        index += 2
    }
}

@MainActor  // reads the parsed options, which top-level code owns
func required(_ key: String) -> String {
    guard let value = options[key], !value.isEmpty else { fail("--\(key) is required for \(kind)") }
    return value
}

@MainActor
func port(_ key: String = "port") -> Int {
    guard let port = Int(options[key] ?? "0"), (0...65535).contains(port) else { fail("--\(key) must be a port number") }
    return port
}

func announce(_ lines: String...) {
    for line in lines { print(line) }
    fflush(nil)  // nil: every output stream, without naming glibc's mutable `stdout` global
}

var keepAlive: [AnyObject] = []
do {
    switch kind {
    case "whatsapp":
        var templates: [FakeWhatsAppServer.Template] = []
        if let file = options["templates"] {
            guard let data = FileManager.default.contents(atPath: file) else { fail("cannot read \(file)") }
            do { templates = try JSONDecoder().decode([FakeWhatsAppServer.Template].self, from: data) } catch {
                fail("\(file): \(error)")
            }
        }
        if flags.contains("catalogue-templates") {
            // Every template our notification catalogue sends, as if Meta had approved them all (for `make dev`).
            templates += NotificationCatalogue.entries.map { .init(name: $0.whatsApp.name, language: $0.whatsApp.languageCode,
                                                                    bodyParameterCount: $0.whatsApp.bodyParameterKeys.count) }
        }
        var configuration = FakeWhatsAppServer.Configuration(accessToken: required("token"), phoneNumberID: required("phone-number-id"),
                                                             appSecret: required("app-secret"), templates: templates)
        configuration.webhookURL = options["webhook-url"]
        configuration.automaticStatuses = options["auto-statuses"].map { $0.split(separator: ",").map(String.init) } ?? []
        if let value = options["throughput"] {
            guard let n = Int(value), n > 0 else { fail("--throughput must be a positive integer") }
            configuration.throughputPerSecond = n
        }
        if let value = options["pair-window"] {
            guard let seconds = Double(value), seconds >= 0 else { fail("--pair-window must be seconds") }
            configuration.pairRateLimitWindow = seconds
        }
        configuration.undeliverable = Set((options["undeliverable"] ?? "").split(separator: ",").map(String.init))
        let fake = try FakeWhatsAppServer(configuration: configuration, port: port())
        keepAlive.append(fake)
        announce(String(fake.port))
    case "razorpay":
        var configuration = FakeRazorpayServer.Configuration(keyID: required("key-id"), keySecret: required("key-secret"),
                                                             webhookSecret: required("webhook-secret"))
        configuration.webhookURL = options["webhook-url"]
        configuration.deliverWebhooksAutomatically = flags.contains("auto-deliver")
        configuration.servesCheckout = flags.contains("checkout")
        let fake = try FakeRazorpayServer(configuration: configuration, port: port())
        keepAlive.append(fake)
        announce(String(fake.port))
    case "smtp":
        var credentials: (String, String)?
        if let user = options["user"] { credentials = (user, required("password")) }
        let sink = try SMTPSink(port: port(), credentials: credentials, startTLS: !flags.contains("no-starttls"))
        let control = try FakeHTTPServer(port: port("control-port")) { request in
            guard request.method == "GET", request.path == "/__fake/messages" else { return .json(404, ["error": "unknown control endpoint"]) }
            return .json(200, ["messages": sink.messages.map { message -> [String: Any] in
                ["mail_from": message.mailFrom, "recipients": message.recipients, "authenticated_user": message.authenticatedUser ?? NSNull(),
                 "over_tls": message.overTLS,
                 "data": message.text, "headers": message.headers.map { [$0.name, $0.value] }]
            }])
        }
        keepAlive += [sink, control]
        announce(String(sink.port), "control \(control.port)", "ca-file \(sink.caFile ?? "none")")
    default:
        fail("unknown fake \(kind)")
    }
} catch {
    fail("cannot start: \(error)")
}

dispatchMain()
