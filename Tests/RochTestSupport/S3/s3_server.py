"""A real S3-compatible server on loopback for tests: moto's server mode, with signatures checked.

Prints one JSON line {"port", "bucket", "access_key_id", "secret_access_key"} once ready, then obeys
commands on stdin, one per line, answering "ok": `stop` closes the listening socket (the stored
objects stay, they live in this process), `start` listens again on the same port. EOF ends it.
"""
import json
import os
import sys

# Requests before this count skip authentication: the four set-up calls below. Every later request
# must carry a valid SigV4 signature of an IAM user's key, as AWS requires.
os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "4"
os.environ.setdefault("AWS_DEFAULT_REGION", "ap-south-1")

import boto3  # noqa: E402  (moto[server] depends on boto3)
from moto.moto_server.threaded_moto_server import ThreadedMotoServer  # noqa: E402

REGION = "ap-south-1"
BUCKET = sys.argv[1] if len(sys.argv) > 1 else "roch-documents"


def serve(port):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server


def main():
    server = serve(0)
    port = server.get_host_and_port()[1]
    endpoint = f"http://127.0.0.1:{port}"
    setup = dict(endpoint_url=endpoint, region_name=REGION, aws_access_key_id="setup", aws_secret_access_key="setup")
    iam = boto3.client("iam", **setup)
    iam.create_user(UserName="roch")
    key = iam.create_access_key(UserName="roch")["AccessKey"]
    iam.put_user_policy(UserName="roch", PolicyName="documents", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    boto3.client("s3", **setup).create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    print(json.dumps({"port": port, "bucket": BUCKET, "region": REGION,
                      "access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "stop" and server is not None:
            server.stop()
            server._server.server_close()
            server = None
        elif command == "start" and server is None:
            server = serve(port)
        print("ok", flush=True)


if __name__ == "__main__":
    main()
