// Entry point of the `admin` function: the runtime (CGI, FastCGI, dev server) is chosen from argv/env.
import RochApp

await FunctionMain.run(.admin)
