// Booting Strapi on a fresh database takes seconds (more on MariaDB); seeds and runs take longer.
jest.setTimeout(300_000);
