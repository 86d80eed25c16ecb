@properties
Feature: Properties and channel data
  UpdateProperties merges its parameter properties, a JSON Merge Patch
  (RFC 7386), into the interaction's userData: nested objects merge, null
  deletes a key. PUT /interactions/{id} changes the channel data the same
  way (email subject, to and body; chat nickname; any workitem field).
  Every party is notified (PropertiesUpdated, ChannelDataUpdated). An
  email_object carries interactionId, the interaction's id, which nobody
  can change.

  Background:
    Given alice, bob, carol and dave are listening

  @B3.1 @B3.4 @B4.8
  Scenario: The owner sets properties, then merges and deletes some
    Given an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    When alice updates its properties with:
      """
      {"customerId": "C-1042", "order": {"number": 1042, "status": "open"}, "vip": true}
      """
    Then alice is notified that its user data is now:
      """
      {"customerId": "C-1042", "order": {"number": 1042, "status": "open"}, "vip": true}
      """
    And alice's view of it agrees with her last notification
    When alice updates its properties with:
      """
      {"order": {"status": "closed"}, "vip": null}
      """
    Then alice receives on /v2/me/interactions:
      """
      {
        "notificationType": "PropertiesUpdated",
        "id": "{{it}}",
        "state": "Processing",
        "userData": {"customerId": "C-1042", "order": {"number": 1042, "status": "closed"}, "vip": "{{absent}}"}
      }
      """
    And alice's view of it agrees with her last notification
    And no one else is notified
    When alice sends GET /api/v2/interactions/{{it}}
    Then the response matches:
      """
      {"interaction": {"userData": {"customerId": "C-1042", "order": {"number": 1042, "status": "closed"}, "vip": "{{absent}}"}, "properties": "{{absent}}"}}
      """

  @B3.2
  Scenario: User data given when the interaction arrives is shown from the start
    When an interaction arrives with:
      """
      {"channel": "chat", "agent": "{{bob.userName}}", "userData": {"customerId": "C-2077"}, "chat_object": {"nickname": "Jane"}}
      """
    Then bob receives on /v2/me/interactions:
      """
      {"id": "{{it}}", "state": "Invited", "userData": {"customerId": "C-2077"}, "chat_object": {"nickname": "Jane"}}
      """
    And no one else is notified

  @B4.8
  Scenario: Another agent cannot change the properties
    Given an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    When bob tries to update its properties with:
      """
      {"customerId": "C-666"}
      """
    Then the request is refused with status 403
    And no one else is notified

  @B4.8
  Scenario: An invited agent cannot change the properties before accepting
    Given an email is routed to alice
    When alice tries to update its properties with:
      """
      {"customerId": "C-1"}
      """
    Then the request is refused with status 403
    And no one else is notified

  @B4.8
  Scenario: UpdateProperties without properties, or with properties that are not an object, is refused
    Given an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "UpdateProperties"}
      """
    Then the request is refused with status 400, naming "properties"
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "UpdateProperties", "properties": "vip"}
      """
    Then the request is refused with status 400, naming "properties"
    And no one else is notified

  @B3.3 @B4.21
  Scenario: The owner changes an email's subject and deletes its body
    Given an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    When alice changes its channel data with:
      """
      {"email_object": {"subject": "Re: Order 1042", "body": null}}
      """
    Then alice is notified that its channel data is now:
      """
      {"email_object": {"interactionId": "{{it}}", "subject": "Re: Order 1042", "from": "jane.doe@example.com", "to": "support@example.com", "body": "{{absent}}"}}
      """
    And no one else is notified
    When alice sends GET /api/v2/interactions/{{it}}
    Then the response matches:
      """
      {"interaction": {"email_object": {"interactionId": "{{it}}", "subject": "Re: Order 1042", "body": "{{absent}}"}}}
      """

  @B4.21
  Scenario: The owner changes a chat's nickname
    Given a chat is routed to bob
    And bob accepts it
    And bob is notified that it is Processing
    And bob receives the chat history with 3 events
    When bob changes its channel data with:
      """
      {"chat_object": {"nickname": "Jane D."}}
      """
    Then bob is notified that its channel data is now:
      """
      {"chat_object": {"nickname": "Jane D.", "transcript": ["{{contains}}", {"text": "Hello, my parcel never arrived."}]}}
      """
    And no one else is notified

  @B4.21
  Scenario: Any workitem field can be set or deleted
    Given a workitem is routed to carol
    And carol accepts it
    And carol is notified that it is Processing
    When carol changes its channel data with:
      """
      {"workitem_object": {"priority": "high", "details": {"sku": "MUG-1"}, "caseNumber": null}}
      """
    Then carol is notified that its channel data is now:
      """
      {"workitem_object": {"priority": "high", "details": {"sku": "MUG-1"}, "caseNumber": "{{absent}}"}}
      """
    And no one else is notified

  @B4.21
  Scenario Outline: A channel data change that is not allowed is refused (<case>)
    Given an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    When alice tries to change its channel data with:
      """
      <body>
      """
    Then the request is refused with status 400
    And no one else is notified
    When alice sends GET /api/v2/interactions/{{it}}
    Then the response matches:
      """
      {"interaction": {"email_object": {"interactionId": "{{it}}", "subject": "Order 1042 arrived damaged", "from": "jane.doe@example.com"}}}
      """

    Examples:
      | case                         | body                                                               |
      | a read-only field            | {"email_object": {"from": "someone.else@example.com"}}             |
      | the email's interactionId    | {"email_object": {"interactionId": "0000000000000000"}}            |
      | another channel's object     | {"chat_object": {"nickname": "Jane"}}                              |
      | two channel objects          | {"email_object": {"subject": "x"}, "chat_object": {"nickname": "y"}} |
      | a channel object and another member | {"email_object": {"subject": "x"}, "fax_object": {}}         |
      | an empty patch               | {"email_object": {}}                                               |
      | a wrongly typed field        | {"email_object": {"subject": 42}}                                  |
      | cc as one address, not a list | {"email_object": {"cc": "ops@example.com"}}                      |
      | not a channel object at all  | {"subject": "x"}                                                   |
      | a body that is not JSON      | {"email_object":                                                   |

  @B4.21
  Scenario: Another agent cannot change the channel data
    Given an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    When bob tries to change its channel data with:
      """
      {"email_object": {"subject": "mine now"}}
      """
    Then the request is refused with status 403
    And no one else is notified

  @B4.21
  Scenario: Changing the channel data of an interaction that does not exist
    When alice sends PUT /api/v2/interactions/0000000000000000 with:
      """
      {"email_object": {"subject": "x"}}
      """
    Then the request is refused with status 404

  @B3.1 @B3.2 @B4.8
  Scenario: UpdateProperties merges into the user data the interaction arrived with
    When an interaction arrives with:
      """
      {"channel": "email", "queue": "{{queues.email-inbound}}", "agent": "{{bob.userName}}", "userData": {"customerId": "C-2077", "tier": {"level": 2, "since": 2019}}, "email_object": {"subject": "Where is my order?", "from": "joe@example.com", "to": "support@example.com", "body": "Hello"}}
      """
    Then bob is notified that it is Invited
    And bob's last notification matches:
      """
      {"userData": {"customerId": "C-2077", "tier": {"level": 2, "since": 2019}}}
      """
    And bob accepts it
    And bob is notified that it is Processing
    When bob updates its properties with:
      """
      {"tier": {"level": 3}, "vip": true}
      """
    Then bob is notified that its user data is now:
      """
      {"customerId": "C-2077", "tier": {"level": 3, "since": 2019}, "vip": true}
      """
    And bob's view of it agrees with his last notification
    And no one else is notified

  @B3.1 @B4.21 @B6.8
  Scenario: A conference member and an invitee are told when the channel data changes
    Given an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    And alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And carol accepts it
    And carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And alice is notified that the participants are now alice as Owner and carol as Member
    And alice invites dave to a conference on it
    And dave is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner, carol as Member and dave as InvitedConference
    And carol is notified that the participants are now alice as Owner, carol as Member and dave as InvitedConference
    When alice changes its channel data with:
      """
      {"email_object": {"subject": "Re: Order 1042"}}
      """
    Then alice is notified that its channel data is now:
      """
      {"email_object": {"interactionId": "{{it}}", "subject": "Re: Order 1042", "from": "jane.doe@example.com"}}
      """
    And alice's notification carries the referenceId of her last request
    And alice's view of it agrees with her last notification
    And carol is notified that its channel data is now:
      """
      {"email_object": {"interactionId": "{{it}}", "subject": "Re: Order 1042", "from": "jane.doe@example.com"}}
      """
    And carol's notification carries no referenceId
    And carol's view of it agrees with her last notification
    And dave is notified that its channel data is now:
      """
      {"email_object": {"interactionId": "{{it}}", "subject": "Re: Order 1042", "from": "jane.doe@example.com"}}
      """
    And dave's view of it agrees with his last notification
    And no one else is notified
    When carol changes its channel data with:
      """
      {"email_object": {"body": "Checked with the warehouse."}}
      """
    Then alice is notified that its channel data is now:
      """
      {"email_object": {"subject": "Re: Order 1042", "body": "Checked with the warehouse."}}
      """
    And alice's view of it agrees with her last notification
    And carol is notified that its channel data is now:
      """
      {"email_object": {"subject": "Re: Order 1042", "body": "Checked with the warehouse."}}
      """
    And dave is notified that its channel data is now:
      """
      {"email_object": {"subject": "Re: Order 1042", "body": "Checked with the warehouse."}}
      """
    And no one else is notified

  @B3.1 @B4.8 @B6.8
  Scenario: A conference invitee is told of new properties, and every party's REST view agrees
    Given an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    And alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    When alice updates its properties with:
      """
      {"note": "VIP"}
      """
    Then alice is notified that its user data is now:
      """
      {"note": "VIP"}
      """
    And alice's view of it agrees with her last notification
    And carol is notified that its user data is now:
      """
      {"note": "VIP"}
      """
    And carol's view of it agrees with her last notification
    And no one else is notified
