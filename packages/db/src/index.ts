export * from "./schema.js";
export { createDb, type CreateDbOptions, type Database, type DbHandle, type Transaction } from "./client.js";
export { databaseName, defaultMigrationsFolder, migrate, type MigrateOptions } from "./migrate.js";
export { isCheckViolation, isDuplicateKey, mysqlErrno } from "./errors.js";
export { seed, type SeedOptions, type SeedResult } from "./seed.js";
export { demoCatalog, saleStateAt, slugify, type SaleState } from "./catalog.js";
export { hashPassword, verifyPassword } from "./password.js";
export { escapeXml, productSvg, type ProductSvgInput } from "./images.js";
export { productPage, type ProductPage, type ProductPageInput } from "./queries.js";
