import ArgumentParser
import RochApp

/// The `roch` command line: build, serve, migrate, doctor, seed, portal-link, staff, worker (and the hidden vendor-bench and dashboard-bench).
@main
struct Roch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roch",
        abstract: "The Roch Events platform: site builder, dev server, migrations and worker.",
        subcommands: [
            BuildCommand.self,
            ServeCommand.self,
            MigrateCommand.self,
            DoctorCommand.self,
            SeedCommand.self,
            PortalLinkCommand.self,
            StaffCommand.self,
            VendorBenchCommand.self,
            DashboardBenchCommand.self,
            WorkerCommand.self,
            BackupCommand.self, RestoreCommand.self, OutboxCommand.self, UpgradeCommand.self,
            WhatsAppCommand.self, ClientCommand.self,
        ])
}
