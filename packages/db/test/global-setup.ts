import { migrate } from "../src/migrate.js";
import { dropDatabase, TEST_DB, testUrl } from "./db-url.js";

export default async function setup(): Promise<void> {
  await dropDatabase(TEST_DB);
  await migrate(testUrl());
}
