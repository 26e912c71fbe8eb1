/**
 * One typed POST: the document's own types give the variables and the data. The
 * `accessToken` (from signing in) goes as `Authorization: Bearer …`; without one the
 * request is anonymous, and every field but `__typename` answers UNAUTHENTICATED.
 */
import type { TypedDocumentString } from "./gql/graphql";

export async function execute<TResult, TVariables>(
  url: string,
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  accessToken?: string,
): Promise<TResult> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    Accept: "application/graphql-response+json",
  };
  if (accessToken !== undefined) {
    headers.Authorization = `Bearer ${accessToken}`;
  }
  const response = await fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const body = (await response.json()) as { data?: TResult; errors?: { message: string }[] };
  if (body.errors?.length || body.data === undefined) {
    throw new Error(body.errors?.map((error) => error.message).join("; ") ?? "no data");
  }
  return body.data;
}
