import asyncio

import service.runner

asyncio.run(service.runner.main())
