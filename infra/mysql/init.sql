-- Run once by the MySQL image on an empty volume: the test suites' database beside the app's.
CREATE DATABASE IF NOT EXISTS quickdeal CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS quickdeal_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
