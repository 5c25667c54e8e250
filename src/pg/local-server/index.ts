// Throwaway local PostgreSQL servers (the demo's): binaries, the OS user they run as, start/stop, sample data.
export { findServerBinaries, binariesUsableBy, type ServerBinaries, type BinariesOrigin } from './server-binaries.js';
export { serverOsUser, type ServerOsUser } from './os-user.js';
export { LocalServer, LOCAL_SUPERUSER, type LocalServerOptions } from './local-server.js';
export { loadSampleDatabase, countRows, databaseExists } from './sample-database.js';
export { SAMPLE_DATABASE, SAMPLE_TABLES, type SampleTable } from './sample-shop.js';
