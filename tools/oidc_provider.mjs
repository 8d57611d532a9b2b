// A real, certified OpenID Connect provider (the npm package oidc-provider) on loopback, for
// the single sign-on tests: discovery, the authorisation code flow with PKCE, signed ID tokens,
// end-session. Its login page accepts any login name as the account; the account's e-mail is
// <login>@nhs.net. Started by tests/browser/test_sso.py; never part of a deployment.
//
//   node tools/oidc_provider.mjs PORT REDIRECT_URI POST_LOGOUT_URI
//   CLOCK_OFFSET_SECONDS=-3600 shifts the provider's clock (its tokens arrive already expired).
//   PROFILE=cis2: the client authenticates with private_key_jwt (its public keys in
//     CLIENT_JWKS, a JSON key set), people have a CIS2 `uid`, and each sign-in has the `acr`
//     in ACR (default AAL3_ANY). PROFILE=entra: no e-mail claim; `oid`, `tid` and
//     `preferred_username` as Entra ID sends them; `groups` from GROUPS (comma-separated).
import Provider from "oidc-provider";

const [port, redirectUri, postLogoutUri] = process.argv.slice(2);
const offset = Number(process.env.CLOCK_OFFSET_SECONDS || 0);
if (offset) {
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + offset * 1000;
}

const profile = process.env.PROFILE || "generic";
const acr = process.env.ACR || "AAL3_ANY";
const groups = (process.env.GROUPS || "").split(",").filter(Boolean);
const issuer = `http://127.0.0.1:${port}`;
const client = {
  client_id: "uhbplan",
  redirect_uris: [redirectUri],
  post_logout_redirect_uris: [postLogoutUri],
};
if (profile === "cis2") {
  Object.assign(client, {
    token_endpoint_auth_method: "private_key_jwt",
    token_endpoint_auth_signing_alg: "RS512",
    jwks: JSON.parse(process.env.CLIENT_JWKS),
  });
} else {
  Object.assign(client, {
    client_secret: "uhbplan-test-secret",
    token_endpoint_auth_method: "client_secret_post",
  });
}
// A stable id per login name (as a provider's own user id would be).
const stableId = (id) => `id-${[...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7)}`;
const provider = new Provider(issuer, {
  clients: [client],
  acrValues: [acr, "AAL1_USERPASS"],
  // CIS2 signs and asks for RS512; the package's defaults leave it out.
  enabledJWA: { clientAuthSigningAlgValues: ["RS256", "RS512", "PS256", "ES256"] },
  claims: {
    openid: ["sub", "uid", "nhsid_useruid", "oid", "tid"],
    email: ["email", "email_verified"],
    profile: ["name", "given_name", "family_name", "preferred_username", "groups"],
  },
  // Scope claims in the ID token too, as Entra ID puts oid and tid there.
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    const name = id.replace(/[^a-z.]/gi, "");
    const person = {
      given_name: name.split(".")[0] || name,
      family_name: name.split(".")[1] || "Tester",
      name,
    };
    return {
      accountId: id,
      async claims() {
        if (profile === "entra") {
          return {
            sub: `pairwise-${stableId(id)}`,
            oid: stableId(id),
            tid: "tenant-uhb",
            preferred_username: `${name}@uhb.nhs.uk`,
            groups,
            ...person,
          };
        }
        if (profile === "cis2") {
          return {
            sub: stableId(id),
            uid: `55${stableId(id).replace(/\D/g, "")}`,
            nhsid_useruid: `55${stableId(id).replace(/\D/g, "")}`,
            email: `${name}@nhs.net`,
            email_verified: true,
            ...person,
          };
        }
        return { sub: id, email: `${name}@nhs.net`, email_verified: true, ...person };
      },
    };
  },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ["uhbplan-test-cookie-key"] },
});
provider.proxy = false;
if (profile === "cis2") {
  // The development login page names no assurance level; CIS2's would (AAL3 for a smartcard).
  const finished = provider.interactionFinished.bind(provider);
  provider.interactionFinished = (req, res, result, options) => {
    if (result.login) result.login.acr = acr;
    return finished(req, res, result, options);
  };
}
provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
