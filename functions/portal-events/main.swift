// Entry point of the `portal-events` function: the runtime (CGI, FastCGI, dev server) is chosen from argv/env.
import RochApp

await FunctionMain.run(.portalEvents)
