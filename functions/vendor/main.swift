// Entry point of the `vendor` function (GET/POST /api/vendor/<token>): the runtime is chosen from argv/env.
import RochApp

await FunctionMain.run(.vendor)
