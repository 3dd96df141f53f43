// Types for kafka.mjs, for the infra tests (TypeScript). The service steps take services.mjs' context.
export declare function jvmOptions(env: Record<string, string | undefined>): string[];
export declare function serverProperties(env: Record<string, string | undefined>, dataDir: string): string;
export declare function up(ctx: unknown): Promise<void>;
export declare function down(ctx: unknown): Promise<void>;
export declare function status(ctx: unknown): Promise<unknown>;
