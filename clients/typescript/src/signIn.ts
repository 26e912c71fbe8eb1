/**
 * How a frontend signs in, then asks as that user: `logIn` answers a `Session` (or an
 * `AuthError` to show), and every later request carries its access token. Before
 * `expiresAt`, `RefreshSession` with the refresh token answers a new pair.
 */
import { execute } from "./execute";
import { LogInDocument, ViewerDocument } from "./gql/graphql";

export type SignedIn = { accessToken: string; refreshToken: string; expiresAt: string };

export async function logIn(url: string, email: string, password: string): Promise<SignedIn> {
  const { result } = await execute(url, LogInDocument, { email, password });
  switch (result.__typename) {
    case "Session":
      return {
        accessToken: result.accessToken,
        refreshToken: result.refreshToken,
        expiresAt: result.expiresAt,
      };
    case "AuthError":
    case "ValidationError":
      throw new Error(result.message);
  }
}

/** Signs in, then reads who the server says we are. */
export async function myEmail(url: string, email: string, password: string): Promise<string> {
  const session = await logIn(url, email, password);
  const { viewer } = await execute(url, ViewerDocument, {}, session.accessToken);
  if (!viewer) {
    throw new Error("signed in, yet no viewer");
  }
  return viewer.email;
}
