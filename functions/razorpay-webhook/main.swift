// Entry point of the `razorpay-webhook` function: the runtime (CGI, FastCGI, dev server) is chosen from argv/env.
import RochApp

await FunctionMain.run(.razorpayWebhook)
