/** Service addresses for the API's tests: this package's own database, the shared Redis and Kafka. */
export const TEST_DB_URL = process.env.API_TEST_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/quickdeal_test_api";
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
export const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
/** Every topic the API's tests create starts with this; the run deletes them when it ends. */
export const TEST_TOPIC_PREFIX = "test.api.";
export const ADMIN_EMAIL = "admin@api.test";
export const ADMIN_PASSWORD = "admin-test-password-123";
