/**
 * How a frontend calls `updateOrder`: every outcome is a member of the result
 * union, and the switch below is exhaustive, so a new member added to the schema
 * stops this file from compiling until the frontend handles it.
 */
import { execute } from "./execute";
import { GetOrderDocument, UpdateOrderDocument } from "./gql/graphql";
import type { UpdateOrderInput, UpdateOrderMutation } from "./gql/graphql";

type OrderResult = UpdateOrderMutation["result"];

export type Outcome =
  | { kind: "saved"; lastchange: string }
  | { kind: "invalid"; field: string | null | undefined; message: string }
  | { kind: "gone"; message: string }
  | { kind: "stale"; current: string }
  | { kind: "forbidden"; message: string };

function assertNever(value: never): never {
  throw new Error(`unhandled result: ${JSON.stringify(value)}`);
}

export function describe(result: OrderResult): Outcome {
  switch (result.__typename) {
    case "Order":
      return { kind: "saved", lastchange: result.lastchange };
    case "ValidationError":
      return { kind: "invalid", field: result.field, message: result.message };
    case "NotFoundError":
      return { kind: "gone", message: result.message };
    case "StaleDataError":
      return { kind: "stale", current: result.lastchange };
    case "ForbiddenError":
      return { kind: "forbidden", message: result.message };
    default:
      return assertNever(result);
  }
}

/** Renames an order as the user of `accessToken`; on a stale write re-reads it once and
 * tries again. */
export async function renameOrder(
  url: string,
  accessToken: string,
  id: string,
  memo: string,
): Promise<Outcome> {
  const read = await execute(url, GetOrderDocument, { id }, accessToken);
  if (!read.order) {
    return { kind: "gone", message: `order ${id} does not exist` };
  }
  let lastchange = read.order.lastchange;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const input: UpdateOrderInput = { id, lastchange, memo };
    const saved = await execute(url, UpdateOrderDocument, { input }, accessToken);
    const outcome = describe(saved.result);
    if (outcome.kind !== "stale") {
      return outcome;
    }
    lastchange = outcome.current;
  }
  return { kind: "stale", current: lastchange };
}
