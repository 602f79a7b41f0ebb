// `node aws-fixture.mjs ENDPOINT`: sets up the emulator for the Cognito-mode end-to-end
// tests and prints their settings as shell exports (used by scripts/test.sh).
import { setUp } from "./aws.mjs";

const endpoint = process.argv[2];
const f = await setUp(endpoint);
console.log(`export E2E_AWS_ENDPOINT='${endpoint}'`);
console.log(`export E2E_COGNITO_POOL_ID='${f.poolId}'`);
console.log(`export E2E_COGNITO_CLIENT_ID='${f.clientId}'`);
console.log(`export E2E_COGNITO_CLIENT_SECRET='${f.clientSecret}'`);
console.log(`export E2E_SNS_TOPIC_ARN='${f.topicArn}'`);
