CREATE TABLE `kiosk` (
	`id` varchar(36) NOT NULL,
	`store` varchar(128) NOT NULL,
	`name` varchar(128) NOT NULL,
	`key_hash` varchar(255) NOT NULL,
	`active` boolean NOT NULL DEFAULT true,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `kiosk_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `order` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`user_id` varchar(36) NOT NULL,
	`product_id` bigint unsigned NOT NULL,
	`ticket_id` varchar(64) NOT NULL,
	`amount_minor` int NOT NULL,
	`currency` char(3) NOT NULL,
	`status` enum('PENDING','PAID') NOT NULL DEFAULT 'PENDING',
	`payment_ref` varchar(128),
	`idempotency_key` varchar(64),
	`channel` enum('web','kiosk') NOT NULL,
	`kiosk_id` varchar(36),
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `order_id` PRIMARY KEY(`id`),
	CONSTRAINT `order_ticket_unique` UNIQUE(`ticket_id`),
	CONSTRAINT `order_user_product_unique` UNIQUE(`user_id`,`product_id`),
	CONSTRAINT `order_idempotency_unique` UNIQUE(`idempotency_key`)
);
--> statement-breakpoint
CREATE TABLE `product` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`slug` varchar(128) NOT NULL,
	`name` varchar(200) NOT NULL,
	`description` text NOT NULL,
	`category` varchar(64) NOT NULL,
	`image_url` varchar(512) NOT NULL,
	`price_minor` int NOT NULL,
	`currency` char(3) NOT NULL DEFAULT 'USD',
	`stock` int NOT NULL,
	`initial_stock` int NOT NULL,
	`sale_starts_at` datetime(3) NOT NULL,
	`sale_ends_at` datetime(3),
	`capacity` int NOT NULL,
	`checkout_ttl_sec` int NOT NULL,
	`paused` boolean NOT NULL DEFAULT false,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `product_id` PRIMARY KEY(`id`),
	CONSTRAINT `product_slug_unique` UNIQUE(`slug`),
	CONSTRAINT `product_stock_nonneg` CHECK(stock >= 0),
	CONSTRAINT `product_capacity_pos` CHECK(capacity > 0),
	CONSTRAINT `product_ttl_pos` CHECK(checkout_ttl_sec > 0),
	CONSTRAINT `product_price_nonneg` CHECK(price_minor >= 0)
);
--> statement-breakpoint
CREATE TABLE `user` (
	`id` varchar(36) NOT NULL,
	`role` enum('shopper','admin') NOT NULL DEFAULT 'shopper',
	`display_name` varchar(64) NOT NULL,
	`email` varchar(255),
	`password_hash` varchar(255),
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `user_id` PRIMARY KEY(`id`),
	CONSTRAINT `user_email_unique` UNIQUE(`email`)
);
--> statement-breakpoint
ALTER TABLE `order` ADD CONSTRAINT `order_product_fk` FOREIGN KEY (`product_id`) REFERENCES `product`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `order_user_id_idx` ON `order` (`user_id`,`id`);--> statement-breakpoint
CREATE INDEX `order_product_idx` ON `order` (`product_id`);--> statement-breakpoint
CREATE INDEX `product_category_id_idx` ON `product` (`category`,`id`);