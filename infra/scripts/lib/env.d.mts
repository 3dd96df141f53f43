// Types for env.mjs, so the infra tests (TypeScript) can share the scripts' configuration loader.
export declare const ROOT: string;
export declare const DEFAULTS: Record<string, string>;
export declare function parseDotenv(text: string): Record<string, string>;
export declare function loadEnv(root?: string): Record<string, string>;
export declare function paths(root?: string): { root: string; cache: string; run: string; logs: string };
export declare function isLoopback(host: string): boolean;
