// What a person does in the celeste web app, again and again, written once for the flows:
// sign in and out, open a lens, find a dialog. Everything is found by role and accessible
// name, as a screen reader user would find it.

export const DEMO_PASSWORD = "celeste-demo";
export const DEMO_PIN = "1234";

/** The header's role, as the app writes it ("chief engineer" for chief_engineer). */
export function currentRole(page) {
  return page.getByTestId("current-role");
}

function signInButton(page) {
  return page.getByRole("button", { name: "Sign in", exact: true });
}

/** Opens the app at / and waits for either the sign-in form or the signed-in header. */
export async function openApp(page, baseUrl) {
  await page.goto(`${baseUrl}/`);
  await signInButton(page).or(currentRole(page)).waitFor();
}

export async function signOut(page) {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await signInButton(page).waitFor();
}

/**
 * Signs in as `email` and waits for the header to show `role`. When someone is already
 * signed in in this tab, they sign out first, unless they are that role and `keep` is set.
 */
export async function signIn(page, baseUrl, email, role, { keep = false } = {}) {
  await openApp(page, baseUrl);
  if (await currentRole(page).isVisible()) {
    if (keep && (await currentRole(page).innerText()).trim() === role) return;
    await signOut(page);
  }
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
  await signInButton(page).click();
  await currentRole(page).filter({ hasText: new RegExp(`^${role}$`) }).waitFor();
}

/** Follows the lens's link in the "Lenses" navigation and waits for its heading. */
export async function openLens(page, label) {
  await page.getByRole("navigation", { name: "Lenses" }).getByRole("link", { name: label, exact: true }).click();
  await page.getByRole("heading", { level: 1, name: label, exact: true }).waitFor();
}

/** The open dialog of this action (named by the action's label). */
export function dialog(page, name) {
  return page.getByRole("dialog", { name, exact: true });
}

/** A board column or page section, by its heading: "Requested (3)", "History"... */
export function region(scope, name) {
  return scope.getByRole("region", { name });
}
