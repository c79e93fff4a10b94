/** Types of the PM2 process file, for the scripts that read it. */
export interface ProcessEntry {
  name: string;
  script: string;
  env: Record<string, string>;
}
export declare const apps: ProcessEntry[];
