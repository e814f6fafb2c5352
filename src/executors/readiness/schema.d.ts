export interface ReadinessExecutorSchema {
  package?: string;
  version?: string;
  failOnBlocked?: boolean;
  output?: string;
}
