// A real, certified OpenID Connect provider (the npm package oidc-provider) on loopback, for
// the single sign-on tests: discovery, the authorisation code flow with PKCE, signed ID tokens,
// end-session. Its login page accepts any login name as the account; the account's e-mail is
// <login>@nhs.net. Started by tests/browser/test_sso.py; never part of a deployment.
//
//   node tools/oidc_provider.mjs PORT REDIRECT_URI POST_LOGOUT_URI
//   CLOCK_OFFSET_SECONDS=-3600 shifts the provider's clock (its tokens arrive already expired).
import Provider from "oidc-provider";

const [port, redirectUri, postLogoutUri] = process.argv.slice(2);
const offset = Number(process.env.CLOCK_OFFSET_SECONDS || 0);
if (offset) {
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + offset * 1000;
}

const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "uhbplan",
      client_secret: "uhbplan-test-secret",
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [postLogoutUri],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "given_name", "family_name"] },
  async findAccount(ctx, id) {
    const name = id.replace(/[^a-z.]/gi, "");
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: `${name}@nhs.net`,
          email_verified: true,
          given_name: name.split(".")[0] || name,
          family_name: name.split(".")[1] || "Tester",
          name,
        };
      },
    };
  },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ["uhbplan-test-cookie-key"] },
});
provider.proxy = false;
provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
