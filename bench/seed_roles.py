"""Seeds N roles of mixed trust: a fifth each trusting an outside account without and with an external id, a GitHub Actions
OIDC provider with a repository-wide sub, EC2, and the account itself; each with one inline policy, every tenth also
with one shared customer-managed policy that allows * on *."""
import json, sys
import boto3

endpoint, count = sys.argv[1], int(sys.argv[2])
iam = boto3.client("iam", endpoint_url=endpoint)
account = boto3.client("sts", endpoint_url=endpoint).get_caller_identity()["Account"]
admin = iam.create_policy(PolicyName="bench-admin", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))["Policy"]["Arn"]
principals = [
    ({"AWS": "arn:aws:iam::999988887777:root"}, "sts:AssumeRole", None),
    ({"AWS": "arn:aws:iam::999988887777:root"}, "sts:AssumeRole", {"StringEquals": {"sts:ExternalId": "bench-external-id"}}),
    ({"Federated": f"arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com"}, "sts:AssumeRoleWithWebIdentity",
     {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
      "StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/*"}}),
    ({"Service": "ec2.amazonaws.com"}, "sts:AssumeRole", None),
    ({"AWS": f"arn:aws:iam::{account}:root"}, "sts:AssumeRole", None),
]

def seed(i):
    principal, action, condition = principals[i % len(principals)]
    statement = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        statement["Condition"] = condition
    name = f"bench-role-{i:05d}"
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    iam.put_role_policy(RoleName=name, PolicyName="read", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]}))
    if i % 10 == 0:
        iam.attach_role_policy(RoleName=name, PolicyArn=admin)

for i in range(count):  # one at a time: moto's IAM answers 500 to concurrent writes
    seed(i)
