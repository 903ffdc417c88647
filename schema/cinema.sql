-- The cinema chain's source database: what Debezium (connect/) or `insights capture` reads from the binlog.
-- Idempotent: stack/parts/mariadb.sh and the MariaDB image's init hook both apply it.
-- Types are chosen for clean Debezium encodings: DATETIME(3) -> epoch ms, TIMESTAMP -> ISO-8601 UTC,
-- DATE -> days since epoch, ENUM/SET -> strings, DECIMAL -> precise base64.
CREATE DATABASE IF NOT EXISTS cinema CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE cinema;

-- Loyalty members. name, email and postcode are personal data: they stay in the source and its CDC topics.
CREATE TABLE IF NOT EXISTS members (
  member_id   INT          NOT NULL,
  name        VARCHAR(120) NOT NULL,
  email       VARCHAR(190) NOT NULL,
  postcode    VARCHAR(10)  NULL,
  birth_year  SMALLINT     NULL,
  gender      ENUM('F','M','X') NULL,
  occupation  VARCHAR(40)  NULL,
  joined_at   DATETIME     NOT NULL,
  updated_at  TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (member_id),
  UNIQUE KEY members_email (email),
  KEY members_joined_at (joined_at)
) ENGINE=InnoDB;

-- Genres as a SET: Debezium sends it as one comma-separated string, no join table to stitch back together.
CREATE TABLE IF NOT EXISTS movies (
  movie_id        INT          NOT NULL,
  title           VARCHAR(255) NOT NULL,
  genres          SET('unknown','action','adventure','animation','children','comedy','crime','documentary',
                      'drama','fantasy','film_noir','horror','musical','mystery','romance','sci_fi',
                      'thriller','war','western') NOT NULL DEFAULT '',
  release_date    DATE         NULL,
  certificate     ENUM('U','PG','12A','15','18') NULL,
  runtime_minutes SMALLINT     NULL,
  status          ENUM('coming_soon','now_showing','archived') NOT NULL DEFAULT 'coming_soon',
  updated_at      TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (movie_id),
  KEY movies_status (status, release_date)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS sessions (
  session_id INT      NOT NULL,
  movie_id   INT      NOT NULL,
  cinema_id  SMALLINT NOT NULL,
  starts_at  DATETIME NOT NULL,
  format     ENUM('2d','3d','imax','4dx') NOT NULL DEFAULT '2d',
  PRIMARY KEY (session_id),
  KEY sessions_movie_starts (movie_id, starts_at),
  KEY sessions_cinema_starts (cinema_id, starts_at),
  CONSTRAINT sessions_movie FOREIGN KEY (movie_id) REFERENCES movies (movie_id)
) ENGINE=InnoDB;

-- A refund is an update of status (the sale stays in history); a delete is a data correction.
CREATE TABLE IF NOT EXISTS tickets (
  ticket_id    BIGINT       NOT NULL,
  member_id    INT          NOT NULL,
  session_id   INT          NOT NULL,
  purchased_at DATETIME(3)  NOT NULL,
  quantity     TINYINT      NOT NULL DEFAULT 1,
  price        DECIMAL(8,2) NOT NULL,
  status       ENUM('purchased','refunded') NOT NULL DEFAULT 'purchased',
  updated_at   TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (ticket_id),
  KEY tickets_member_purchased (member_id, purchased_at),
  KEY tickets_session (session_id),
  CONSTRAINT tickets_member FOREIGN KEY (member_id) REFERENCES members (member_id),
  CONSTRAINT tickets_session FOREIGN KEY (session_id) REFERENCES sessions (session_id)
) ENGINE=InnoDB;
