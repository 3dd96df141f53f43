import { runServices } from "./run-services.js";

export default async function setup(): Promise<void> {
  await runServices("up");
}
