// The lab page's page object lives in the fixture package (testing/playwright/lab-page.ts). This
// keeps `new LabPage(page, { name, token })` for specs that make a cluster of their own on the
// suite's server (its address: e2e-server.ts).
import type { Page } from '@playwright/test';
import { LabClient } from '../testing/lab/lab-client.ts';
import { LabPage as PackageLabPage } from '../testing/playwright/lab-page.ts';
import { E2E_URL } from './e2e-server.ts';

export interface ClusterAccess {
  readonly name: string;
  readonly token: string;
}

export class LabPage extends PackageLabPage {
  constructor(page: Page, access: ClusterAccess) {
    super(page, { ...access, client: new LabClient(E2E_URL).cluster(access.name, access.token) });
  }
}
