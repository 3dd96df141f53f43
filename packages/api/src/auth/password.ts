import { hashPassword, verifyPassword } from "@quickdeal/db";

export { hashPassword };

// Verified against when the account is unknown, so a wrong name costs as much as a wrong secret.
const DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/** False for a wrong secret and for a missing hash, in about the same time. */
export async function checkSecret(secret: string, hash: string | null | undefined): Promise<boolean> {
  const ok = await verifyPassword(secret, hash ?? DUMMY_HASH);
  return ok && !!hash;
}
