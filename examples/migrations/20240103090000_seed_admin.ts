import { defineMigration } from 'sluice';

// A TypeScript migration: values are bound parameters, names go through db.ident().
export default defineMigration({
  async up(db) {
    await db.sql`INSERT INTO ${db.ident('users')} (email, first_name, last_name)
                 VALUES (${'admin@example.com'}, ${'Ada'}, ${'Admin'})`;
  },
  async down(db) {
    await db.sql`DELETE FROM ${db.ident('users')} WHERE email = ${'admin@example.com'}`;
  },
});
