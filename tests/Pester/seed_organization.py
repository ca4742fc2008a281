"""Seeds an AWS Organization in moto: a management account of its own (a fresh random id, reached by assuming a role,
so runs never share an organization), member accounts created through Organizations, some under an OU tree, one
suspended, and buckets in each member seeded through its OrganizationAccountAccessRole. Prints the facts as JSON.

usage: seed_organization.py ENDPOINT ACCOUNTS BUCKETS_PER_ACCOUNT PUBLIC_PER_ACCOUNT
"""
import json, random, sys, uuid
import boto3

endpoint, accounts, per_account, public = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
base = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="AKIAAWSGUARDTEST0001",
            aws_secret_access_key="awsguard-test-secret-key-0000000000000001")


def keys_of(role_arn):
    c = boto3.client("sts", **base).assume_role(RoleArn=role_arn, RoleSessionName="seed")["Credentials"]
    return dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=c["AccessKeyId"],
                aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])


management = str(random.randint(10**11, 10**12 - 1))
mk = keys_of(f"arn:aws:iam::{management}:role/OrgAdmin")
org = boto3.client("organizations", **mk)
org.create_organization(FeatureSet="ALL")
root = org.list_roots()["Roots"][0]["Id"]
security = org.create_organizational_unit(ParentId=root, Name="Security")["OrganizationalUnit"]["Id"]
audit = org.create_organizational_unit(ParentId=security, Name="Audit")["OrganizationalUnit"]["Id"]
tag = uuid.uuid4().hex[:6]
policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}]}'

members = []
for i in range(accounts):
    status = org.create_account(Email=f"member{i}-{tag}@example.com", AccountName=f"member{i}")["CreateAccountStatus"]
    account = status["AccountId"]
    path = "Root"
    if i % 3 == 1:
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=security)
        path = "Root/Security"
    elif i % 3 == 2:
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=audit)
        path = "Root/Security/Audit"
    s3 = boto3.client("s3", **keys_of(f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole"))
    buckets, public_buckets = [], []
    for j in range(per_account):
        name = f"org-{tag}-{account}-{j}"
        s3.create_bucket(Bucket=name)
        if j < public:
            s3.put_bucket_policy(Bucket=name, Policy=policy % name)
            public_buckets.append(name)
        buckets.append(name)
    members.append(dict(AccountId=account, Name=f"member{i}", Path=path, Buckets=buckets, PublicBuckets=public_buckets))

suspended = org.create_account(Email=f"closed-{tag}@example.com", AccountName="closed")["CreateAccountStatus"]["AccountId"]
org.close_account(AccountId=suspended)
print(json.dumps(dict(Management=management, ManagementKeys=dict(AccessKey=mk["aws_access_key_id"], SecretKey=mk["aws_secret_access_key"],
    SessionToken=mk["aws_session_token"]), Root=root, Security=security, Audit=audit, Members=members, Suspended=suspended)))
