import Foundation

/// The control API under `/__fake/` for roch-fakes and the Python end-to-end tests.
extension FakeRazorpayServer {
    func control(_ request: FakeHTTPRequest) async -> FakeHTTPResponse {
        let json = request.jsonObject ?? [:]
        let deliverNow = (json["deliver"] as? Bool ?? true) && configuration.webhookURL != nil
        do {
            switch (request.method, request.path) {
            case ("GET", "/__fake/links"):
                return .json(200, ["payment_links": allLinks.map(Self.json)])
            case ("POST", "/__fake/pay"):
                let outcome = try pay(linkID: try string(json, "link_id"), amount: (json["amount"]).flatMap(Self.integer),
                                      method: json["method"] as? String ?? "upi")
                var answer: [String: Any] = ["payment_id": outcome.paymentID, "link_status": outcome.linkStatus,
                                             "events": outcome.deliveries.map { ["event_id": $0.eventID, "event": $0.event] }]
                if let url = try? callbackURL(linkID: try string(json, "link_id"), paymentID: outcome.paymentID) { answer["callback_url"] = url }
                if deliverNow && !configuration.deliverWebhooksAutomatically {
                    answer["webhook_statuses"] = try await deliver(inOrder: outcome.deliveries)
                }
                return .json(200, answer)
            case ("POST", "/__fake/fail-payment"):
                return try await answer(try failPayment(linkID: try string(json, "link_id")), deliver: deliverNow)
            case ("POST", "/__fake/expire"):
                return try await answer(try expire(linkID: try string(json, "link_id")), deliver: deliverNow)
            case ("POST", "/__fake/refund"):
                return try await answer(try refund(paymentID: try string(json, "payment_id"), amount: json["amount"].flatMap(Self.integer)),
                                        deliver: deliverNow)
            case ("POST", "/__fake/process-refund"):
                return try await answer(try processRefund(id: try string(json, "refund_id"), fail: json["fail"] as? Bool ?? false),
                                        deliver: deliverNow)
            case ("GET", "/__fake/refunds"):
                return .json(200, ["refunds": allRefunds.map(Self.json)])
            case ("POST", "/__fake/redeliver"):
                let id = try string(json, "event_id")
                guard let delivery = lock.withLock({ eventsByID[id] }) else { return .json(404, ["error": "no event \(id)"]) }
                let statuses = try await deliver(delivery, times: json["times"] as? Int ?? 1)
                return .json(200, ["webhook_statuses": statuses])
            case ("POST", "/__fake/fail-next"):
                injectTransientFailures(json["count"] as? Int ?? 1)
                return .json(200, ["ok": true])
            case ("GET", "/__fake/callback"):
                let query = request.query
                guard let linkID = query["link_id"], let paymentID = query["payment_id"] else {
                    return .json(400, ["error": "need link_id and payment_id"])
                }
                let items = try callbackQueryItems(linkID: linkID, paymentID: paymentID)
                var answer: [String: Any] = ["query": Dictionary(uniqueKeysWithValues: items.map { ($0.name, $0.value) })]
                if let url = try? callbackURL(linkID: linkID, paymentID: paymentID) { answer["url"] = url }
                return .json(200, answer)
            case ("GET", "/__fake/deliveries"):
                return .json(200, ["deliveries": deliveries.map { ["event_id": $0.eventID, "event": $0.event, "status": $0.status] }])
            default:
                return .json(404, ["error": "unknown control endpoint \(request.method) \(request.path)"])
            }
        } catch {
            return .json(400, ["error": "\(error)"])
        }
    }

    private func answer(_ delivery: RazorpayWebhookDelivery, deliver now: Bool) async throws -> FakeHTTPResponse {
        var answer: [String: Any] = ["event_id": delivery.eventID, "event": delivery.event]
        if now && !configuration.deliverWebhooksAutomatically { answer["webhook_status"] = try await deliver(delivery) }
        return .json(200, answer)
    }

    private func string(_ json: [String: Any], _ key: String) throws -> String {
        guard let value = json[key] as? String, !value.isEmpty else { throw FakeRazorpayFailure(description: "need \(key)") }
        return value
    }
}
