/**
 * Errors of the Schema Registry REST API. Confluent clients read `error_code` (a 5-digit code whose
 * first three digits are the HTTP status, or a plain HTTP status) and `message` from the body.
 */
export class RegistryError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }

  get httpStatus(): number {
    return this.errorCode >= 10000 ? Math.floor(this.errorCode / 100) : this.errorCode;
  }
}

export const subjectNotFound = (subject: string) =>
  new RegistryError(40401, `Subject '${subject}' not found.`);
export const versionNotFound = (subject: string, version: string | number) =>
  new RegistryError(40402, `Version ${version} not found for subject '${subject}'.`);
export const schemaNotFound = (what: string) => new RegistryError(40403, `Schema ${what} not found.`);
export const subjectConfigNotFound = (subject: string) =>
  new RegistryError(40408, `Subject '${subject}' does not have subject-level compatibility configured`);
export const incompatibleSchema = (subject: string, detail: string) =>
  new RegistryError(
    409,
    `Schema being registered is incompatible with an earlier schema for subject '${subject}': ${detail}`,
  );
export const invalidSchema = (detail: string) => new RegistryError(42201, `Invalid schema: ${detail}`);
export const invalidVersion = (version: string) =>
  new RegistryError(
    42202,
    `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
  );
export const invalidCompatibility = (level: unknown) =>
  new RegistryError(42203, `Invalid compatibility level: ${JSON.stringify(level)}`);
export const invalidMode = (mode: unknown) =>
  new RegistryError(42204, `Invalid mode: ${JSON.stringify(mode)} (READWRITE, READONLY or IMPORT)`);
export const operationNotPermitted = (detail: string) => new RegistryError(42205, detail);
export const idTaken = (id: number) =>
  new RegistryError(
    42207,
    `Overwrite new schema with id ${id} is not permitted: the id holds another schema.`,
  );
