-- Mails about ticket events took the desk's address from this row, which every server wrote
-- at start, because they were made where no configuration was at hand. Their handler now
-- gets PUBLIC_URL from the configuration, so nothing reads the row; its NOTIFY trigger
-- (0008) goes with the table.
DROP TABLE "notification_settings" CASCADE;
