import Foundation
import StockSchoolStore
import StockSchoolTestSupport
import Testing

/// `stockschool apikey create/list/revoke` and `audit list`, run as a user runs them.
@Suite struct APIKeyCLITests {
    @Test(arguments: TestBackend.available)
    func createListRevoke(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        do {
            try await exercise(url: test.url, store: test.store)
        } catch {
            await test.tearDown()
            throw error
        }
        await test.tearDown()
    }

    func exercise(url: String, store: any MarketStore) async throws {
        let created = try await CLITests.run([
            "apikey", "create", "--role", "analyst", "--name", "notebook", "--store", url,
        ])
        #expect(created.status == 0, "\(created.stderr)")
        let secret = try #require(
            created.stdout.split(whereSeparator: \.isWhitespace).map(String.init).first {
                $0.hasPrefix("ss_") && $0.count == 67
            })
        #expect(created.stdout.contains("only now"))

        let json = try await CLITests.run(
            ["apikey", "create", "--role", "admin", "--name", "ops", "--json", "--store", url])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["name"] as? String == "ops" && object["role"] as? String == "admin")
        let adminSecret = try #require(object["secret"] as? String)
        #expect(adminSecret.hasPrefix(object["prefix"] as? String ?? "-"))

        // Names are unique among active keys; roles are checked by the parser.
        let duplicate = try await CLITests.run(
            ["apikey", "create", "--role", "reader", "--name", "notebook", "--store", url])
        #expect(duplicate.status == 2)
        #expect(duplicate.stderr.contains("notebook") && duplicate.stderr.contains("revoke"))
        let badRole = try await CLITests.run(["apikey", "create", "--role", "root", "--name", "x", "--store", url])
        #expect(badRole.status == 2)
        #expect(
            try await CLITests.run(["apikey", "create", "--role", "open", "--name", "x", "--store", url]).status == 2)

        // The listing never shows a secret or a hash.
        let list = try await CLITests.run(["apikey", "list", "--store", url])
        #expect(list.status == 0)
        #expect(list.stdout.contains("notebook") && list.stdout.contains("analyst") && list.stdout.contains("never"))
        let hashes = try await store.query(SQLStatement("SELECT key_hash FROM api_keys")).compactMap {
            $0.first?.string
        }
        #expect(hashes.count == 2)
        let listJSON = try await CLITests.run(["apikey", "list", "--json", "--store", url])
        for text in [list.stdout, listJSON.stdout] {
            #expect(!text.contains(secret) && !text.contains(adminSecret))
            for hash in hashes { #expect(!text.contains(hash)) }
        }
        let items = try #require(
            (try JSONSerialization.jsonObject(with: Data(listJSON.stdout.utf8)) as? [String: Any])?["items"]
                as? [[String: Any]])
        #expect(items.map { $0["name"] as? String } == ["notebook", "ops"])
        #expect(items.allSatisfy { $0["active"] as? Bool == true && $0["secret"] == nil })

        let revoke = try await CLITests.run(["apikey", "revoke", "notebook", "--store", url])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        #expect(revoke.stdout.contains("Revoked"))
        let again = try await CLITests.run(["apikey", "revoke", "notebook", "--store", url])
        #expect(again.status == 2)
        #expect(again.stderr.contains("no active key named 'notebook'"))
        let after = try await CLITests.run(["apikey", "list", "--json", "--store", url])
        let afterItems = try #require(
            (try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])?["items"]
                as? [[String: Any]])
        #expect(afterItems.first?["active"] as? Bool == false && afterItems.first?["revoked_at"] as? String != nil)

        let audit = try await CLITests.run(["audit", "list", "--store", url])
        #expect(audit.status == 0)
        #expect(audit.stdout.contains("No audit entries"))
    }
}
