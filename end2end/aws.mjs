// Calls to the AWS emulator (moto server) for the end-to-end tests: set up a user
// pool, an app client, groups and an alert topic; create users; read what was sent.
// Moto does not check signatures; the Authorization header only tells it the service.

function auth(service) {
  return `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;
}

export async function cognito(endpoint, action, body) {
  const res = await fetch(`${endpoint}/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": `AWSCognitoIdentityProviderService.${action}`,
      Authorization: auth("cognito-idp"),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${action}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

async function sns(endpoint, params) {
  const res = await fetch(`${endpoint}/`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: auth("sns") },
    body: new URLSearchParams(params).toString(),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`SNS ${params.Action}: ${res.status} ${text}`);
  return text;
}

export async function setUp(endpoint) {
  const pool = await cognito(endpoint, "CreateUserPool", {
    PoolName: "referral-gate-e2e",
    Policies: { PasswordPolicy: { MinimumLength: 8, RequireSymbols: false } },
  });
  const poolId = pool.UserPool.Id;
  const client = await cognito(endpoint, "CreateUserPoolClient", {
    UserPoolId: poolId,
    ClientName: "referral-gate",
    GenerateSecret: true,
    ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
  });
  for (const GroupName of ["admitted", "admins"]) {
    await cognito(endpoint, "CreateGroup", { UserPoolId: poolId, GroupName });
  }
  const topic = await sns(endpoint, { Action: "CreateTopic", Name: "referral-gate-e2e-alerts", Version: "2010-03-31" });
  const topicArn = /<TopicArn>([^<]+)<\/TopicArn>/.exec(topic)[1];
  return {
    poolId,
    clientId: client.UserPoolClient.ClientId,
    clientSecret: client.UserPoolClient.ClientSecret,
    topicArn,
  };
}

export async function addUser(endpoint, poolId, name, password) {
  await cognito(endpoint, "AdminCreateUser", {
    UserPoolId: poolId,
    Username: name,
    TemporaryPassword: "Temporary-1",
    MessageAction: "SUPPRESS",
  });
  await cognito(endpoint, "AdminSetUserPassword", { UserPoolId: poolId, Username: name, Password: password, Permanent: true });
}

export async function enabled(endpoint, poolId, name) {
  return (await cognito(endpoint, "AdminGetUser", { UserPoolId: poolId, Username: name })).Enabled;
}

/** Published messages: [{ subject, message, event }]. */
export async function notifications(endpoint) {
  const data = await (await fetch(`${endpoint}/moto-api/data.json`)).json();
  return (data.sns?.Topic ?? []).flatMap((t) =>
    (t.sent_notifications ?? []).map((n) => ({ subject: n[2], message: n[1], event: n[3]?.event?.Value })),
  );
}

